package dev.berth.audit;

import dev.berth.api.Connection;
import dev.berth.api.PageArgs;
import dev.berth.api.Viewer;
import dev.berth.api.WiringContribution;
import graphql.schema.idl.RuntimeWiring;
import jakarta.inject.Singleton;

/** Fetchers of {@code schema/audit.graphqls}. */
@Singleton
final class AuditWiring implements WiringContribution {
    private final AuditService audit;

    AuditWiring(AuditService audit) {
        this.audit = audit;
    }

    @Override
    public void contribute(RuntimeWiring.Builder wiring) {
        wiring.type("Query", t -> t.dataFetcher("auditEvents", env -> {
            var page = PageArgs.from(env);
            var rows = audit.page(Viewer.from(env), AuditFilter.from(env.getArgument("filter"), env.getArgument("search")), page.limit(), page.after());
            return Connection.of(rows, page, AuditEvent::id);
        }));
        wiring.type("Subscription", t -> t.dataFetcher("auditEvents", env -> audit.follow(Viewer.from(env))));
    }
}
