package dev.weft.ai;

import java.util.List;
import java.util.function.Function;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.Prompt;

/** The {@link TestModels} profiles answered in process by a function of the prompt: no wire, no usage. */
public final class ScriptedModels extends ChatModels {
  private final ChatModel model;

  private ScriptedModels(Function<Prompt, String> answer) {
    super(TestModels.models("http://127.0.0.1:9/v1").props(), name -> null);
    this.model = new ChatModel() {
      @Override
      public ChatResponse call(Prompt prompt) {
        return new ChatResponse(List.of(new Generation(new AssistantMessage(answer.apply(prompt)))));
      }
    };
  }

  public static LlmClient client(Function<Prompt, String> answer) {
    return new LlmClient(new ScriptedModels(answer));
  }

  @Override
  public ChatModel model(String name) {
    require(name);
    return model;
  }

  @Override
  public Use use(String name, dev.weft.node.NodeContext ctx) {
    require(name);
    return new Use(model, text -> text);
  }
}
