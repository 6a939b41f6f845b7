-- A reverse proxy (Caddy) per server, owned by Berth: installed on request, configured only through its admin API
-- (a Unix socket reached over the server's SSH connection) with JSON built from these rows, never from text.
CREATE TABLE server_proxies (
    server_id       uuid PRIMARY KEY REFERENCES servers (id) ON DELETE CASCADE,
    team_id         uuid NOT NULL REFERENCES teams (id),
    image           text NOT NULL,
    http_port       integer NOT NULL CHECK (http_port BETWEEN 1 AND 65535),
    https_port      integer NOT NULL CHECK (https_port BETWEEN 1 AND 65535),
    status          text NOT NULL DEFAULT 'INSTALLING' CHECK (status IN ('INSTALLING', 'RUNNING', 'FAILED')),
    status_detail   text,
    version         text,
    -- when Berth last loaded its configuration into the proxy (a reconcile that found it drifted loads it again)
    configured_at   timestamptz,
    -- increased by every change of what the proxy should run (a domain, an upstream): a load that raced a newer change
    -- sees the generation moved and loads again
    generation      bigint NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- A host name routed to an application. A host is routed for one application across the whole instance (the unique
-- index sees every team's rows), so one team can never take another's traffic.
CREATE TABLE domains (
    id              uuid PRIMARY KEY,
    team_id         uuid NOT NULL REFERENCES teams (id),
    application_id  uuid NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    host            text NOT NULL,
    path_prefix     text,
    port            integer CHECK (port BETWEEN 1 AND 65535),
    https           boolean NOT NULL,
    redirect_www    boolean NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL DEFAULT now(),
    -- the certificate the proxy holds for the host, as its job last read it from the proxy's storage
    cert_issuer     text,
    cert_not_before timestamptz,
    cert_not_after  timestamptz,
    cert_checked_at timestamptz,
    -- the certificate status last announced (domainEvents): an event goes out when it changes
    cert_status     text,
    -- since when ACME is asked for the host's certificate (the domain's creation, or its uploaded certificate's removal)
    acme_since      timestamptz NOT NULL DEFAULT now(),
    -- a certificate the team uploaded instead of ACME's: its chain (PEM) and its private key, sealed
    uploaded_chain_pem   text,
    uploaded_key_sealed  text,
    uploaded_not_before  timestamptz,
    uploaded_not_after   timestamptz,
    uploaded_issuer      text
);
CREATE INDEX domains_application_id ON domains (application_id);
CREATE INDEX domains_team_id ON domains (team_id);

-- Every name a domain answers for (its host, and www.<host> when it redirects www): unique across the instance.
CREATE TABLE domain_hosts (
    host            text PRIMARY KEY,
    domain_id       uuid NOT NULL REFERENCES domains (id) ON DELETE CASCADE,
    team_id         uuid NOT NULL REFERENCES teams (id)
);
CREATE INDEX domain_hosts_domain_id ON domain_hosts (domain_id);

-- Where an application's domains send their requests now: the deployment whose health check passed last, and the
-- address Caddy dials (a port Berth allocated on the host network, or the container's address on a bridge).
CREATE TABLE proxy_upstreams (
    application_id  uuid PRIMARY KEY REFERENCES applications (id) ON DELETE CASCADE,
    team_id         uuid NOT NULL REFERENCES teams (id),
    server_id       uuid NOT NULL,
    deployment_id   uuid NOT NULL,
    -- the deployment's number: an older run never takes the upstream back from a newer one
    deployment_number integer NOT NULL,
    host            text NOT NULL,
    port            integer CHECK (port BETWEEN 1 AND 65535),
    switched_at     timestamptz NOT NULL DEFAULT now()
);

-- The port a deployment of a proxied application listens on ($PORT) under host networking, allocated once per
-- deployment (a revived run keeps it), unique per server among the deployments that may still run.
ALTER TABLE deployments ADD COLUMN proxy_port integer CHECK (proxy_port BETWEEN 1 AND 65535);
CREATE INDEX deployments_server_id_proxy_port ON deployments (server_id, proxy_port) WHERE proxy_port IS NOT NULL;

ALTER TABLE server_proxies ENABLE ROW LEVEL SECURITY;
CREATE POLICY server_proxies_team ON server_proxies TO berth_runtime
    USING (team_id = NULLIF(current_setting('berth.team_id', true), '')::uuid)
    WITH CHECK (team_id = NULLIF(current_setting('berth.team_id', true), '')::uuid);
ALTER TABLE domains ENABLE ROW LEVEL SECURITY;
CREATE POLICY domains_team ON domains TO berth_runtime
    USING (team_id = NULLIF(current_setting('berth.team_id', true), '')::uuid)
    WITH CHECK (team_id = NULLIF(current_setting('berth.team_id', true), '')::uuid);
ALTER TABLE domain_hosts ENABLE ROW LEVEL SECURITY;
CREATE POLICY domain_hosts_team ON domain_hosts TO berth_runtime
    USING (team_id = NULLIF(current_setting('berth.team_id', true), '')::uuid)
    WITH CHECK (team_id = NULLIF(current_setting('berth.team_id', true), '')::uuid);
ALTER TABLE proxy_upstreams ENABLE ROW LEVEL SECURITY;
CREATE POLICY proxy_upstreams_team ON proxy_upstreams TO berth_runtime
    USING (team_id = NULLIF(current_setting('berth.team_id', true), '')::uuid)
    WITH CHECK (team_id = NULLIF(current_setting('berth.team_id', true), '')::uuid);
