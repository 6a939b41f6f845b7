package dev.berth.storage;

import io.micronaut.aop.Around;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a service method in a transaction that acts in the team of its {@code Viewer} argument (row-level
 * security's {@code berth.team_id}), entered once when the transaction begins. The one way services open a
 * tenant transaction: no method pairs {@code @Transactional} with a hand-written {@code tenancy.enter}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD})
@Around
public @interface InTeam {
    /** A read-only transaction. */
    boolean readOnly() default false;
}
