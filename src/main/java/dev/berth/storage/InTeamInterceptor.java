package dev.berth.storage;

import io.micronaut.aop.InterceptorBean;
import io.micronaut.aop.MethodInterceptor;
import io.micronaut.aop.MethodInvocationContext;
import jakarta.inject.Singleton;

/** Runs an {@link InTeam} method through {@link TeamTransactions}, in the team of its Viewer argument. */
@Singleton
@InterceptorBean(InTeam.class)
final class InTeamInterceptor implements MethodInterceptor<Object, Object> {
    private final TeamTransactions transactions;

    InTeamInterceptor(TeamTransactions transactions) {
        this.transactions = transactions;
    }

    @Override
    public Object intercept(MethodInvocationContext<Object, Object> context) {
        TeamScoped viewer = null;
        for (var value : context.getParameterValues()) {
            if (value instanceof TeamScoped v) {
                viewer = v;
                break;
            }
        }
        if (viewer == null) throw new IllegalStateException(context.getMethodName() + " is @InTeam but takes no Viewer (TeamScoped)");
        return context.booleanValue(InTeam.class, "readOnly").orElse(false)
                ? transactions.read(viewer, context::proceed)
                : transactions.write(viewer, context::proceed);
    }
}
