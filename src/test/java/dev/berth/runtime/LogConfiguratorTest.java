package dev.berth.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.core.ConsoleAppender;
import io.micronaut.core.annotation.Nullable;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logging is set up in code, and Logback finds it: the running context is the one it describes. */
class LogConfiguratorTest {

    @Test
    void logbackRunsWithBerthsConfiguration() {
        var context = (LoggerContext) LoggerFactory.getILoggerFactory();
        var root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.INFO);
        var console = root.getAppender("STDOUT");
        assertThat(console).isInstanceOf(ConsoleAppender.class);
        var encoder = (PatternLayoutEncoder) ((ConsoleAppender<?>) console).getEncoder();
        assertThat(encoder.getPattern()).isEqualTo(LogConfigurator.PATTERN);
        assertThat(context.getLogger("net.schmizz.concurrent.Promise").getLevel()).isEqualTo(Level.OFF);
        assertThat(context.getLogger("io.zonky.test.db.postgres").getLevel()).isEqualTo(Level.WARN);
    }

    /** A new context as {@link LogConfigurator} leaves it, {@code -Dlogback.configurationFile} set to {@code file} meanwhile. */
    private record Configured(LoggerContext context, ExecutionStatus status) {
        static Configured with(@Nullable Path file) {
            var before = System.getProperty("logback.configurationFile");
            if (file == null) System.clearProperty("logback.configurationFile"); else System.setProperty("logback.configurationFile", file.toString());
            try {
                var context = new LoggerContext();
                var configurator = new LogConfigurator();
                configurator.setContext(context);
                return new Configured(context, configurator.configure(context));
            } finally {
                if (before == null) System.clearProperty("logback.configurationFile"); else System.setProperty("logback.configurationFile", before);
            }
        }
    }

    @Test
    void aFreshContextIsConfiguredTheSameWay() {
        var configured = Configured.with(null);
        assertThat(configured.status()).isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
        assertThat(configured.context().getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDOUT").isStarted()).isTrue();
        configured.context().stop();
    }

    /** A file named by -Dlogback.configurationFile is read here (Micronaut's logging refresh calls this one only). */
    @Test
    void aNamedFileIsReadInstead(@TempDir Path dir) throws Exception {
        var file = dir.resolve("custom.xml");
        Files.writeString(file, """
                <configuration>
                  <appender name="CUSTOM" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%msg%n</pattern></encoder>
                  </appender>
                  <root level="WARN"><appender-ref ref="CUSTOM"/></root>
                </configuration>
                """);
        var context = Configured.with(file).context();
        var root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.WARN);
        assertThat(root.getAppender("CUSTOM")).isNotNull();
        assertThat(root.getAppender("STDOUT")).isNull();
        context.stop();
    }

    /** A named file that does not exist leaves Berth's own set-up, not a context without appenders. */
    @Test
    void aMissingNamedFileFallsBackToBerthsOwn(@TempDir Path dir) {
        var context = Configured.with(dir.resolve("absent.xml")).context();
        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDOUT")).isNotNull();
        context.stop();
    }

    /**
     * A level set through Micronaut ({@code LOGGER_LEVELS_...}) makes Micronaut reset Logback and call the first
     * configurator again: the levels apply and Berth's console stays (it once could be left without any appender).
     */
    @Test
    void aLevelSetThroughMicronautKeepsTheConsole() {
        var properties = new java.util.HashMap<String, Object>(dev.berth.testing.TestServers.properties());
        properties.put("logger.levels.dev.berth.logprobe", "DEBUG");
        try (var server = io.micronaut.context.ApplicationContext.run(io.micronaut.runtime.server.EmbeddedServer.class, properties)) {
            var context = (LoggerContext) LoggerFactory.getILoggerFactory();
            assertThat(context.getLogger("dev.berth.logprobe").getLevel()).isEqualTo(Level.DEBUG);
            assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDOUT")).isNotNull();
        }
    }
}
