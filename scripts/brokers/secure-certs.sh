#!/usr/bin/env bash
# Makes the test certificates for securefront.py in DIR (test-only, regenerated at every broker start):
#   ca.pem/ca.key            the CA that signs the brokers' and the client's certificates
#   server.pem/server.key    the broker certificate, subjectAltName=IP:127.0.0.1 (librdkafka checks the host name)
#   wrong-san.pem/.key       a broker certificate from the same CA for another name (IP:127.0.0.2, DNS:elsewhere.invalid)
#   client.pem/client.key    a client certificate for mutual TLS, signed by the CA
#   client-encrypted.key     the same client key, encrypted with the password in client-key-password
#   other-ca.pem             an unrelated CA (a client trusting only it must refuse the brokers)
# Usage: scripts/brokers/secure-certs.sh DIR
set -euo pipefail
DIR="$1"
mkdir -p "$DIR"
cd "$DIR"
umask 077
quiet() { "$@" >/dev/null 2>&1 || { echo "secure-certs: failed: $*" >&2; "$@"; exit 1; }; }

ca() { # name subject
    quiet openssl req -x509 -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.pem" -days 2 -subj "/CN=$2" \
        -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
}
leaf() { # name subject subjectAltName extendedKeyUsage
    quiet openssl req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "/CN=$2"
    printf 'subjectAltName=%s\nextendedKeyUsage=%s\nbasicConstraints=CA:FALSE\n' "$3" "$4" >"$1.ext"
    quiet openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -out "$1.pem" -days 2 \
        -extfile "$1.ext"
    rm -f "$1.csr" "$1.ext"
}
ca ca "kuzzle-bridge test CA"
ca other-ca "another test CA"
leaf server "127.0.0.1" "IP:127.0.0.1" serverAuth
leaf wrong-san "elsewhere.invalid" "IP:127.0.0.2,DNS:elsewhere.invalid" serverAuth
leaf client "kuzzle-bridge" "DNS:kuzzle-bridge" clientAuth
echo "client-key-pass-$RANDOM$RANDOM" >client-key-password
quiet openssl pkcs8 -topk8 -in client.key -out client-encrypted.key -v2 aes-256-cbc -passout file:client-key-password
chmod 644 ./*.pem
