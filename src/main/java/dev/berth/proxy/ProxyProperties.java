package dev.berth.proxy;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;

/**
 * The managed proxies ({@code berth.proxy.*}): the image installed unless a server names another (Caddy's official
 * one), the directory on each server holding its admin socket (a subdirectory per server, mounted into the proxy), how
 * often Berth checks each proxy and loads its configuration again when it drifted, how long one admin call may take,
 * how long an old deployment keeps running after the proxy switched away from it (its requests in flight finish), the
 * ports deployments listen on behind the proxy under host networking ({@code $PORT}), and the ACME account: directory,
 * email, and (for a private or test CA such as Pebble) a PEM file of roots to trust for the directory.
 */
@ConfigurationProperties("berth.proxy")
public record ProxyProperties(
        @Bindable(defaultValue = "caddy:2") @NotBlank String image,
        @Bindable(defaultValue = "/var/lib/berth/proxy") @NotBlank String hostDir,
        @Bindable(defaultValue = "30s") @NotNull Duration reconcileInterval,
        @Bindable(defaultValue = "10s") @NotNull Duration adminTimeout,
        @Bindable(defaultValue = "10s") @NotNull Duration drain,
        @Bindable(defaultValue = "20000") @Min(1024) @Max(65535) int portsFrom,
        @Bindable(defaultValue = "29999") @Min(1024) @Max(65535) int portsTo,
        @Bindable(defaultValue = "https://acme-v02.api.letsencrypt.org/directory") @NotBlank String acmeDirectory,
        @Nullable String acmeEmail,
        @Nullable String acmeTrustedRootsFile) {}
