#!/usr/bin/env bash
# Usage: set-domain-certificate.sh DOMAIN_ID CERTIFICATE_FILE KEY_FILE
#   Serves the HTTPS domain with a certificate of your own instead of ACME's: CERTIFICATE_FILE holds PEM certificates
#   (the domain's first, then its chain), KEY_FILE its unencrypted private key (PKCS#8 or RSA). Berth checks them (chain
#   complete and in order, valid now, naming the host, the key matching) and seals the key; it is never shown again.
#   The files are read by jq: their contents never appear in a process's arguments.
set -euo pipefail
. "$(dirname "$0")/../berth.sh"
berth_args 3 "$@"
berth_graphql 'mutation Set($input: SetDomainCertificateInput!) {
  setDomainCertificate(input: $input) { domain { id host certificate { uploaded issuer notBefore notAfter status } } }
}' "$(jq -n --arg id "$1" --rawfile certificate "$2" --rawfile key "$3" '{input: {domainId: $id, certificatePem: $certificate, privateKeyPem: $key}}')"
