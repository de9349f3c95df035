#!/bin/sh
# The webhook's serving certificate without cert-manager: a self-signed CA (its key is
# deleted once it has signed), a certificate for the Service's DNS names, the Secret
# `bulkhead-admission-tls`, and the CA written into the webhook configuration's caBundle.
#
#   deploy/admission/make-certs.sh            # in the current kubectl context
#   DAYS=90 deploy/admission/make-certs.sh    # a shorter validity (default 365 days)
#
# Run it again before the certificate expires: the Secret is replaced and the webhook
# reloads it without a restart. Needs openssl and kubectl.
set -eu

namespace=bulkhead-admission
service=bulkhead-admission
days=${DAYS:-365}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -keyout "$dir/ca.key" -out "$dir/ca.crt" -days "$days" \
  -subj "/CN=bulkhead-admission-ca" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -keyout "$dir/tls.key" -out "$dir/tls.csr" \
  -subj "/CN=$service.$namespace.svc" 2>/dev/null
cat > "$dir/ext.cnf" <<EXT
subjectAltName = DNS:$service.$namespace.svc, DNS:$service.$namespace.svc.cluster.local
extendedKeyUsage = serverAuth
keyUsage = digitalSignature
basicConstraints = CA:FALSE
EXT
openssl x509 -req -in "$dir/tls.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" \
  -CAcreateserial -out "$dir/tls.crt" -days "$days" -extfile "$dir/ext.cnf" 2>/dev/null
rm -f "$dir/ca.key"

kubectl -n "$namespace" create secret tls bulkhead-admission-tls \
  --cert="$dir/tls.crt" --key="$dir/tls.key" --dry-run=client -o yaml | kubectl apply -f -

if kubectl get validatingwebhookconfiguration bulkhead >/dev/null 2>&1; then
  bundle=$(base64 < "$dir/ca.crt" | tr -d '\n')
  kubectl patch validatingwebhookconfiguration bulkhead --type=json \
    -p "[{\"op\": \"add\", \"path\": \"/webhooks/0/clientConfig/caBundle\", \"value\": \"$bundle\"}]"
else
  echo "caBundle for deploy/admission/webhook.yaml (apply it, then run this script again):" >&2
  base64 < "$dir/ca.crt" | tr -d '\n'
  echo
fi
