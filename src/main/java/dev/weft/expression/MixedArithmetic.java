package dev.weft.expression;

import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelFunctionBinding;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleBinaryOperator;

/**
 * Arithmetic between integers and doubles. JSON has one number type, so whether {@code amount} arrives
 * as {@code 1500} or {@code 1500.5} is up to the sender; plain CEL would make {@code amount * 0.01}
 * fail for the first and work for the second. These overloads make mixed operands give a double, while
 * integers stay integers for {@code %} and list indexes.
 */
final class MixedArithmetic {
  private record Op(String function, String name, DoubleBinaryOperator op) {}

  private static final List<Op> OPS = List.of(
      new Op("_+_", "add", (a, b) -> a + b),
      new Op("_-_", "subtract", (a, b) -> a - b),
      new Op("_*_", "multiply", (a, b) -> a * b),
      new Op("_/_", "divide", (a, b) -> a / b));

  private MixedArithmetic() {}

  static List<CelFunctionDecl> declarations() {
    List<CelFunctionDecl> out = new ArrayList<>();
    for (Op op : OPS) {
      out.add(CelFunctionDecl.newFunctionDeclaration(op.function(),
          CelOverloadDecl.newGlobalOverload(op.name() + "_weft_int64_double", SimpleType.DOUBLE, SimpleType.INT, SimpleType.DOUBLE),
          CelOverloadDecl.newGlobalOverload(op.name() + "_weft_double_int64", SimpleType.DOUBLE, SimpleType.DOUBLE, SimpleType.INT)));
    }
    return out;
  }

  static List<CelFunctionBinding> bindings() {
    List<CelFunctionBinding> out = new ArrayList<>();
    for (Op op : OPS) {
      out.add(CelFunctionBinding.from(op.name() + "_weft_int64_double", Long.class, Double.class,
          (a, b) -> op.op().applyAsDouble(a, b)));
      out.add(CelFunctionBinding.from(op.name() + "_weft_double_int64", Double.class, Long.class,
          (a, b) -> op.op().applyAsDouble(a, b)));
    }
    return out;
  }
}
