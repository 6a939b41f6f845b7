package dev.berth.api;

import dev.berth.errors.BerthException;
import dev.berth.errors.ErrorCode;
import graphql.schema.DataFetcher;
import graphql.schema.GraphQLFieldDefinition;
import dev.berth.storage.TeamTransactions;
import jakarta.inject.Singleton;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;

/**
 * Each mutation field runs in its own transaction, acting in the caller's team, which also writes its audit event: the change and its
 * record commit together or not at all. Input and access are checked before the transaction opens. The audit
 * details are the input with every {@code @sensitive} field redacted at any depth ({@link AuditDetails}); what
 * the event is about is what the mutation declares with {@code @audited} ({@link AuditedSubject}).
 * A refused attempt (UNAUTHENTICATED, FORBIDDEN, NOT_FOUND) is recorded apart, in a transaction of its own.
 * A mutation marked {@code @ownTransaction} (slow work: hashing, Dragonfly, SSH) runs outside, opening its own
 * short transactions; its audit event follows in a transaction of its own once it returns.
 */
@Singleton
final class MutationTransactions {
    private static final Set<ErrorCode> AUDITED_REFUSALS = EnumSet.of(ErrorCode.UNAUTHENTICATED, ErrorCode.FORBIDDEN, ErrorCode.NOT_FOUND);

    private final TeamTransactions transactions;
    private final AuditSink audit;
    private final ViewerResolver viewers;

    /** In a request's context once one of its mutations changed credentials, or failed (it may have revoked some). */
    private static final String CREDENTIALS_CHANGED = "berth.credentialsChanged";

    MutationTransactions(TeamTransactions transactions, AuditSink audit, ViewerResolver viewers) {
        this.transactions = transactions;
        this.audit = audit;
        this.viewers = viewers;
    }

    DataFetcher<?> wrap(GraphQLFieldDefinition field, Access access, DataFetcher<?> fetcher) {
        var input = field.getArgument("input");
        boolean ownTransaction = field.hasAppliedDirective("ownTransaction");
        var declared = AuditedSubject.of(field);
        return env -> {
            EventHandOff.requireWorkerThread();
            // a document's mutations run one after the other, each with its answer: what the request's loaders hold
            // was read before this one changed anything, and must not answer after it
            env.getDataLoaderRegistry().getDataLoaders().forEach(org.dataloader.DataLoader::clearAll);
            var viewer = Viewer.from(env);
            InputGuard.check(env.getArguments());
            try {
                // an earlier mutation of the document changed credentials (revoked this token, changed this member's
                // role...) or failed (a refused refresh revokes its session in a transaction of its own): the viewer
                // resolved for the request must still hold before it acts again
                if (Boolean.TRUE.equals(env.getGraphQlContext().get(CREDENTIALS_CHANGED)) && !viewers.stillValid(viewer)) {
                    throw new dev.berth.errors.UnauthenticatedException("Your credentials changed earlier in this request; the rest of it did not run.");
                }
                AccessPolicy.checkMutation(access, viewer);
                if (ownTransaction) {
                    // the fetcher runs its slow work outside, and its short transactions itself; the audit follows
                    try {
                        var result = run(fetcher, env);
                        transactions.write(viewer, () -> record(field, input, env, viewer, result, declared));
                        return result;
                    } finally {
                        viewers.credentialsChanged(); // its own transactions may have changed any (sign-in, password)
                        env.getGraphQlContext().put(CREDENTIALS_CHANGED, Boolean.TRUE);
                    }
                }
                var recorded = new AuditSink.Recorded[1];
                var outcome = transactions.write(viewer, () -> {
                    var result = run(fetcher, env);
                    recorded[0] = record(field, input, env, viewer, result, declared);
                    return result;
                });
                // committed: callers cached before the change must not outlive it on this node, even for a moment
                if (recorded[0].credentialsChanged()) {
                    viewers.credentialsChanged();
                    env.getGraphQlContext().put(CREDENTIALS_CHANGED, Boolean.TRUE);
                }
                return outcome;
            } catch (RuntimeException e) {
                env.getGraphQlContext().put(CREDENTIALS_CHANGED, Boolean.TRUE);
                var cause = unwrap(e);
                if (cause instanceof BerthException refused && refused.code() == ErrorCode.UNAUTHENTICATED) {
                    viewers.credentialsChanged(); // a refusal may have revoked what it refused (a reused refresh token's session)
                }
                if (cause instanceof BerthException refused && AUDITED_REFUSALS.contains(refused.code())) {
                    audit.refused(viewer, field.getName(), refused.code(), viewer.teamId());
                }
                throw e;
            }
        };
    }

    private static Object run(DataFetcher<?> fetcher, graphql.schema.DataFetchingEnvironment env) {
        try {
            return fetcher.get(env);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes the mutation's audit event; answers, once its transaction committed, whether it changed credentials. */
    private AuditSink.Recorded record(GraphQLFieldDefinition field, graphql.schema.GraphQLArgument input, graphql.schema.DataFetchingEnvironment env,
                        Viewer viewer, Object result, AuditedSubject declared) {
        var id = declared.idOf(env.getArgument("input"), result);
        var uuid = id == null ? null : Arguments.uuidOrNull(id);
        var teamId = "Team".equals(declared.resource()) && uuid != null ? uuid : viewer.teamId();
        var actor = viewer.userId() != null ? viewer.userId() : "User".equals(declared.resource()) ? uuid : null;
        var details = input == null ? Map.<String, Object>of() : AuditDetails.of(env.getArgument("input"), input.getType());
        return audit.record(viewer, new AuditSink.Entry(field.getName(), teamId, actor, declared.resource(), id, details));
    }

    private static Throwable unwrap(Throwable e) {
        var current = e;
        while (current instanceof CompletionException && current.getCause() != null) current = current.getCause();
        return current;
    }

}
