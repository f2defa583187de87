package dev.weft.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;

/** Present only when this process serves the REST API: {@code weft.role} is {@code all} or {@code api}. */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@ConditionalOnExpression("!'${weft.role:all}'.equalsIgnoreCase('worker')")
public @interface ServesApi {}
