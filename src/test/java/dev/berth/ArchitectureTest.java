package dev.berth;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The seams, checked on the compiled classes (fully qualified names and all): no cycles between feature
 * packages; sshj only inside execution/, and only SshjRemoteShell connects and renders command lines; Berth
 * starts no local processes (but the embedded default's servers).
 */
class ArchitectureTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.berth");

    @Test
    void packagesFormNoCycles() {
        slices().matching("dev.berth.(*)..").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void onlyTheExecutionPackageUsesSshj() {
        noClasses().that().resideOutsideOfPackage("dev.berth.execution..")
                .should().dependOnClassesThat().resideInAnyPackage("net.schmizz..", "com.hierynomus..")
                .check(MAIN);
    }

    @Test
    void onlySshjRemoteShellOpensSshConnectionsAndRendersCommandLines() {
        noClasses().that().doNotHaveSimpleName("SshjRemoteShell").and().doNotHaveSimpleName("SshjRemoteShell$Pooled")
                .should().callConstructor(net.schmizz.sshj.SSHClient.class)
                .orShould().callConstructor(net.schmizz.sshj.SSHClient.class, net.schmizz.sshj.Config.class)
                .check(MAIN);
        noClasses().that().doNotHaveSimpleName("SshjRemoteShell")
                .should().callMethod(dev.berth.execution.ShellLine.class, "render", dev.berth.execution.Argv.class)
                .check(MAIN);
    }

    @Test
    void servicesTakeTypedInputsNeverGraphQLMaps() {
        var typed = new com.tngtech.archunit.lang.ArchCondition<com.tngtech.archunit.core.domain.JavaMethod>("take typed inputs, not Map or Object") {
            @Override
            public void check(com.tngtech.archunit.core.domain.JavaMethod method, com.tngtech.archunit.lang.ConditionEvents events) {
                for (var type : method.getRawParameterTypes()) {
                    if (type.isAssignableTo(java.util.Map.class) || type.isEquivalentTo(Object.class)) {
                        events.add(com.tngtech.archunit.lang.SimpleConditionEvent.violated(method, method.getFullName() + " takes " + type.getName()));
                    }
                }
            }
        };
        com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods().that().arePublic()
                .and().areDeclaredInClassesThat().haveSimpleNameEndingWith("Service")
                .or().areDeclaredInClassesThat().haveSimpleNameEndingWith("Commands")
                .should(typed).check(MAIN);
    }

    @Test
    void onlyTheTransactionHelperAndTheAuditRowsEnterATeam() {
        noClasses().that().doNotHaveSimpleName("TeamTransactions").and().doNotHaveSimpleName("AuditRows")
                .should().callMethod(dev.berth.storage.Tenancy.class, "enter", java.util.UUID.class)
                .check(MAIN);
    }

    /**
     * A bean that listens for the start holds nothing that is not built on the way to ready anyway: what it starts is
     * a {@link dev.berth.runtime.StartsWhenReady}, built once the node is ready, or comes through a
     * {@link io.micronaut.context.BeanProvider}. Its constructor's types are the gate, the context, providers, settings,
     * and what {@code /health} needs (the database pool, the Redis client); a service there would build its graph
     * (repositories, Micronaut Data's runtime: ~0.3 s of the main thread) before the first {@code /health}.
     */
    @Test
    void startupListenersHoldOnlyWhatTheWayToReadyBuildsAnyway() {
        var light = java.util.Set.of(dev.berth.runtime.ReadyGate.class.getName(), io.micronaut.context.BeanProvider.class.getName(), io.micronaut.context.BeanContext.class.getName(),
                dev.berth.storage.DatabasePool.class.getName(), io.lettuce.core.RedisClient.class.getName(),
                dev.berth.jobs.NodeStopping.class.getName(), java.util.List.class.getName());
        var startEvents = java.util.Set.of(io.micronaut.context.event.StartupEvent.class.getName(),
                io.micronaut.runtime.server.event.ServerStartupEvent.class.getName());
        var listeners = MAIN.stream().filter(type -> type.getMethods().stream().anyMatch(method ->
                (method.isAnnotatedWith(io.micronaut.runtime.event.annotation.EventListener.class) || method.getName().equals("onApplicationEvent"))
                        && method.getRawParameterTypes().stream().anyMatch(parameter -> startEvents.contains(parameter.getName())))).toList();
        org.assertj.core.api.Assertions.assertThat(listeners).as("the rule has something to check").hasSizeGreaterThanOrEqualTo(3);
        for (var type : listeners) {
            for (var constructor : type.getConstructors()) {
                for (var parameter : constructor.getRawParameterTypes()) {
                    org.assertj.core.api.Assertions.assertThat(light.contains(parameter.getName()) || parameter.getSimpleName().endsWith("Properties"))
                            .as("%s listens for the start and takes %s: make it a StartsWhenReady, or take a BeanProvider", type.getName(), parameter.getName())
                            .isTrue();
                }
            }
        }
    }

    @Test
    void nothingStartsLocalProcesses() {
        // but the embedded default's Redis (a build profile's own package; the production image has none of it)
        noClasses().that().resideOutsideOfPackage("dev.berth.runtime.embedded").should().dependOnClassesThat().areAssignableTo(ProcessBuilder.class)
                .orShould().callMethod(Runtime.class, "exec", String.class)
                .orShould().callMethod(Runtime.class, "exec", String[].class)
                .check(MAIN);
    }
}
