package dev.weft;

import dev.weft.ai.LlmClient;
import dev.weft.ai.TestModels;
import dev.weft.definition.DefinitionLimits;
import dev.weft.validate.DefinitionValidator;
import dev.weft.expression.ExpressionEngine;
import dev.weft.node.NodeRegistry;
import dev.weft.node.NodeType;
import dev.weft.node.agent.AgentNode;
import dev.weft.node.approval.ApprovalNode;
import dev.weft.node.code.CodeNode;
import dev.weft.node.code.TestCodeRunners;
import dev.weft.node.delay.DelayNode;
import dev.weft.node.form.FormNode;
import dev.weft.node.filter.FilterNode;
import dev.weft.node.http.HttpNode;
import dev.weft.node.http.HttpNodeSettings;
import dev.weft.node.http.OutboundGuard;
import dev.weft.node.ifelse.IfNode;
import dev.weft.node.llm.LlmChatNode;
import dev.weft.node.llm.LlmClassifyNode;
import dev.weft.node.llm.LlmExtractNode;
import dev.weft.node.llm.LlmSentimentNode;
import dev.weft.node.llm.LlmSummarizeNode;
import dev.weft.node.loop.LoopNode;
import dev.weft.node.merge.MergeNode;
import dev.weft.node.respond.RespondNode;
import dev.weft.node.set.SetNode;
import dev.weft.node.subworkflow.SubworkflowNode;
import dev.weft.node.switching.SwitchNode;
import java.util.ArrayList;
import java.util.List;

/** The built-in node types, wired without Spring, for tests. */
public final class TestRegistries {
  private TestRegistries() {}

  /**
   * The {@code http} node's settings in tests: the defaults, with loopback {@code 127.0.0.1} allowed by the
   * outbound guard, since tests call stubs there.
   */
  public static final HttpNodeSettings LOCAL_HTTP =
      HttpNodeSettings.DEFAULTS.withOutbound(new OutboundGuard(List.of("127.0.0.1/32"), true));

  /** The built-in types; the {@code llm.*} ones with {@link TestModels#offline()} profiles. */
  public static List<NodeType<?>> builtins() {
    return builtins(TestModels.offline());
  }

  public static List<NodeType<?>> builtins(LlmClient llm) {
    return List.of(new IfNode(), new SwitchNode(), new MergeNode(), new SetNode(), new FilterNode(), new RespondNode(),
        new DelayNode(), new HttpNode(LOCAL_HTTP), new ApprovalNode(), new FormNode(),
        new LlmChatNode(llm), new LlmExtractNode(llm), new LlmClassifyNode(llm), new LlmSummarizeNode(llm), new LlmSentimentNode(llm),
        new dev.weft.node.llm.LlmAnswerNode(llm, dev.weft.knowledge.KnowledgeSearch.NONE),
        new CodeNode(TestCodeRunners.shared()), new LoopNode(), new SubworkflowNode(), new AgentNode(llm));
  }

  public static NodeRegistry registry(NodeType<?>... extra) {
    return registry(TestModels.offline(), extra);
  }

  /** The built-in types, the {@code llm.*} ones calling {@code llm}. */
  public static NodeRegistry registry(LlmClient llm, NodeType<?>... extra) {
    List<NodeType<?>> all = new ArrayList<>(builtins(llm));
    all.addAll(List.of(extra));
    return new NodeRegistry(all);
  }

  public static DefinitionValidator validator(NodeType<?>... extra) {
    return new DefinitionValidator(registry(extra), new ExpressionEngine(), DefinitionLimits.DEFAULTS);
  }
}
