-- People who sign in. Emails are compared case-insensitively through email_normalized.
CREATE TABLE users (
    id                  uuid PRIMARY KEY,
    email               text NOT NULL,
    email_normalized    text NOT NULL UNIQUE,
    name                text NOT NULL,
    password_hash       text NOT NULL,
    instance_admin      boolean NOT NULL DEFAULT false,
    password_changed_at timestamptz NOT NULL DEFAULT now(),
    created_at          timestamptz NOT NULL DEFAULT now()
);
