-- The Docker network mode of a server's application containers (issue: a server without a Docker bridge needs the
-- host network while another keeps the bridge). Null: BERTH_DEPLOYMENTS_NETWORK decides. An application may override
-- it in its settings (stored JSON, settings.networkMode).
ALTER TABLE servers ADD COLUMN network_mode text CHECK (network_mode IN ('BRIDGE', 'HOST'));
