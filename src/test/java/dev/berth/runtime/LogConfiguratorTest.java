package dev.berth.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.Test;
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

    @Test
    void aFreshContextIsConfiguredTheSameWay() {
        var context = new LoggerContext();
        var configurator = new LogConfigurator();
        configurator.setContext(context);
        assertThat(configurator.configure(context)).isEqualTo(ch.qos.logback.classic.spi.Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDOUT").isStarted()).isTrue();
        context.stop();
    }
}
