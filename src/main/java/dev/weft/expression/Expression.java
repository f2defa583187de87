package dev.weft.expression;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a config field whose string is a raw CEL expression (a condition, a list expression), not a
 * {@code {{ }}} template. Such fields are checked at save time and left unresolved when a config is
 * bound, so the node evaluates them itself — per item when {@link #perItem()} is set, with {@code item}
 * in scope.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER})
public @interface Expression {
  boolean perItem() default false;
}
