-- Where the Docker daemon listens on each server (reached over SSH stream-local forwarding).
ALTER TABLE servers ADD COLUMN docker_socket text NOT NULL DEFAULT '/var/run/docker.sock';
