# Keys and certificates for the lab's TLS servers, and the TLSA data computed
# from them. Everything is generated at `lab.sh up` into run/tls, so nothing
# secret or expiring is committed.

CERT_DAYS=365

# Writes a new private key: "ec" gives P-256, "rsa" gives RSA 2048.
new_key() {
  local type=$1 out=$2
  case $type in
    ec) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$out" 2>/dev/null ;;
    rsa) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$out" 2>/dev/null ;;
    *) die "unknown key type $type" ;;
  esac
  chmod 600 "$out"
}

# Writes the lab CA: a P-256 intermediate CA that only signs leaves, issued by
# a self-signed lab root. DANE-TA records name the intermediate, which every
# server sends after its leaf: TLS libraries such as .NET's SslStream never
# send a self-signed root, so a DANE-TA anchor that servers must send is best
# an intermediate (RFC 7672 section 3.1.2).
make_lab_ca() {
  new_key ec "$TLS_DIR/root.key"
  openssl req -x509 -new -key "$TLS_DIR/root.key" -days "$CERT_DAYS" \
    -subj "/O=Tern DANE lab/CN=Tern lab root" \
    -addext "basicConstraints=critical,CA:TRUE,pathlen:1" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -addext "subjectKeyIdentifier=hash" \
    -out "$TLS_DIR/root.crt" 2>/dev/null

  new_key ec "$TLS_DIR/ca.key"
  openssl req -new -key "$TLS_DIR/ca.key" -subj "/O=Tern DANE lab/CN=Tern lab CA" \
    -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -addext "subjectKeyIdentifier=hash" 2>/dev/null |
    openssl x509 -req -CA "$TLS_DIR/root.crt" -CAkey "$TLS_DIR/root.key" \
      -set_serial "0x$(openssl rand -hex 8)" -days "$CERT_DAYS" \
      -copy_extensions copyall -out "$TLS_DIR/ca.crt" 2>/dev/null
}

# Writes the two keys of the mismatch zone. Its TLSA records name key A while
# its servers present key B, as after a key change without a TLSA update.
make_mismatch_keys() {
  new_key ec "$TLS_DIR/mismatch-key-a.key"
  new_key ec "$TLS_DIR/mismatch-key-b.key"
}

# Writes <host>.key, <host>.crt and <host>.chain.pem (leaf, then the CA for
# "ca" profiles) for one server.
make_server_certificate() {
  local host=$1 profile=$2 extra_names=$3
  local key="$TLS_DIR/$host.key" crt="$TLS_DIR/$host.crt"
  local san="DNS:$host" name
  for name in $extra_names; do
    san+=",DNS:$name"
  done

  # RFC 5480 section 3 leaves keyEncipherment out for EC keys.
  local key_usage="critical,digitalSignature"
  case $profile in
    ec | ca) new_key ec "$key" ;;
    rsa)
      new_key rsa "$key"
      key_usage+=",keyEncipherment"
      ;;
    mismatch)
      cp "$TLS_DIR/mismatch-key-b.key" "$key"
      chmod 600 "$key"
      ;;
    *) die "unknown certificate profile $profile for $host" ;;
  esac

  local -a leaf_extensions=(
    -addext "subjectAltName=$san"
    -addext "basicConstraints=critical,CA:FALSE"
    -addext "keyUsage=$key_usage"
    -addext "extendedKeyUsage=serverAuth"
  )
  if [[ $profile == ca ]]; then
    openssl req -new -key "$key" -subj "/CN=$host" "${leaf_extensions[@]}" 2>/dev/null |
      openssl x509 -req -CA "$TLS_DIR/ca.crt" -CAkey "$TLS_DIR/ca.key" \
        -set_serial "0x$(openssl rand -hex 8)" -days "$CERT_DAYS" \
        -copy_extensions copyall -out "$crt" 2>/dev/null
    cat "$crt" "$TLS_DIR/ca.crt" >"$TLS_DIR/$host.chain.pem"
  else
    openssl req -x509 -new -key "$key" -subj "/CN=$host" -days "$CERT_DAYS" \
      "${leaf_extensions[@]}" -out "$crt" 2>/dev/null
    cp "$crt" "$TLS_DIR/$host.chain.pem"
  fi
}

generate_certificates() {
  mkdir -p "$TLS_DIR"
  chmod 700 "$TLS_DIR"
  make_lab_ca
  make_mismatch_keys

  local entry host profile extra_names
  for entry in "${LAB_SERVERS[@]}" "${TEST_MX_SERVERS[@]}"; do
    IFS='|' read -r host _ _ profile extra_names <<<"$entry"
    make_server_certificate "$host" "$profile" "$extra_names"
  done
}

# Prints the SHA-256 of the DER SubjectPublicKeyInfo of a private key file,
# which is the data of a TLSA record with selector 1 and matching type 1.
spki_sha256_of_key() {
  openssl pkey -in "$1" -pubout -outform DER | openssl dgst -sha256 -r | cut -d' ' -f1
}

# Prints the SHA-256 of the DER SubjectPublicKeyInfo in a certificate file.
spki_sha256_of_certificate() {
  openssl x509 -in "$1" -noout -pubkey | openssl pkey -pubin -outform DER |
    openssl dgst -sha256 -r | cut -d' ' -f1
}

# Prints the SHA-256 of a whole DER certificate (selector 0, matching type 1).
certificate_sha256() {
  openssl x509 -in "$1" -outform DER | openssl dgst -sha256 -r | cut -d' ' -f1
}
