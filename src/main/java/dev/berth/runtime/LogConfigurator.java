package dev.berth.runtime;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Berth's logging, set up in code (Logback finds it through {@code META-INF/services}): every line to standard output
 * as {@code 12:00:00.000 INFO  [thread] logger message}, INFO and above. Reading the same from an XML file cost a
 * start about 0.1 s (an XML parser and Logback's Joran, cold); a file named by {@code -Dlogback.configurationFile}
 * is read instead, as Logback reads it (Micronaut's {@code logger.config} is not: name the file that way).
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogConfigurator extends ContextAwareBase implements ch.qos.logback.classic.spi.Configurator {
    static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{24} %msg%n";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) {
            // read here, not left to the next configurator: Micronaut's logging refresh (any logger.* setting) calls
            // only the first configurator Logback lists, this one, after resetting the context
            var joran = new ch.qos.logback.classic.util.DefaultJoranConfigurator();
            joran.setContext(context);
            var read = joran.configure(context);
            if (read != ExecutionStatus.INVOKE_NEXT_IF_ANY) return read;
            // the file could not be used (Logback reports why): Berth's own set-up rather than no logging at all
        }
        var encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        var console = new ConsoleAppender<ILoggingEvent>();
        console.setContext(context);
        console.setName("STDOUT");
        console.setEncoder(encoder);
        console.start();
        var root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(console);
        context.getLogger("io.zonky.test.db.postgres").setLevel(Level.WARN);
        context.getLogger("org.flywaydb").setLevel(Level.INFO);
        // sshj logs every refused channel (a health check before the application listens) as an ERROR of its own;
        // Berth reports the outcome where it belongs (the deployment's log)
        context.getLogger("net.schmizz.concurrent.Promise").setLevel(Level.OFF);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
