"""securefront: TLS, mutual TLS and SASL (PLAIN, SCRAM-SHA-256/512) in front of a plaintext tansu, for tests.

tansu 0.6.0 cannot serve TLS and its SCRAM store returns no users, and librdkafka's mock cluster has neither
TLS nor SASL; this front gives the daemon's tests real secure listeners (standard library only).

Each listener (one thread per connection):
  * TLS (optional): the handshake is done explicitly right after accept, so a refused client (unknown CA, no
    client certificate when one is required, plaintext bytes) gets the TLS alert and the connection closes;
  * SASL (optional): SaslHandshake v0-1 and SaslAuthenticate v0-1 are answered by the front itself: PLAIN, and
    the server side of SCRAM-SHA-256/512 (RFC 5802, PBKDF2 + HMAC);
  * everything else is relayed frame by frame to tansu: the ApiVersions reply is cut like tagshim.py does
    (librdkafka < 2.2 misreads its tagged fields) and lists SaslHandshake/SaslAuthenticate; the broker address
    tansu advertises (127.0.0.1:ADVERTISED) is replaced by the listener's own port in Metadata and
    FindCoordinator replies, so that clients come back through the same listener.

Usage: python securefront.py BROKER_PORT ADVERTISED_PORT USERS_FILE LISTENER...
  LISTENER = name:port:security[:cert=FILE][:key=FILE][:client_ca=FILE]
  security = plaintext | ssl | sasl_plaintext | sasl_ssl
  USERS_FILE: one `user:password` per line.
Prints "securefront: ready" once every listener is bound; stops on SIGTERM/SIGINT.
"""

import base64
import hashlib
import hmac
import os
import signal
import socket
import ssl
import struct
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tagshim  # noqa: E402  (the ApiVersions rewrite is shared)

HOST = "127.0.0.1"
API_METADATA, API_FIND_COORDINATOR, API_SASL_HANDSHAKE, API_API_VERSIONS, API_SASL_AUTHENTICATE = 3, 10, 17, 18, 36
SASL_AUTHENTICATION_FAILED, UNSUPPORTED_SASL_MECHANISM, ILLEGAL_SASL_STATE = 58, 33, 34
MECHANISMS = {"PLAIN": None, "SCRAM-SHA-256": hashlib.sha256, "SCRAM-SHA-512": hashlib.sha512}
SCRAM_ITERATIONS = 4096


def log(message: str) -> None:
    print(f"securefront: {message}", flush=True)


def read_exact(sock, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    return data


def read_frame(sock) -> bytes:
    (size,) = struct.unpack(">i", read_exact(sock, 4))
    return read_exact(sock, size)


def send_frame(sock, body: bytes) -> None:
    sock.sendall(struct.pack(">i", len(body)) + body)


def kafka_string(text) -> bytes:
    if text is None:
        return struct.pack(">h", -1)
    raw = text.encode()
    return struct.pack(">h", len(raw)) + raw


def request_header(body: bytes):
    """(api_key, api_version, correlation_id, offset of the request body) of a request (header v1/v2)."""
    api_key, api_version, correlation = struct.unpack(">hhi", body[:8])
    (client_id_length,) = struct.unpack(">h", body[8:10])
    offset = 10 + max(client_id_length, 0)
    return api_key, api_version, correlation, offset


# MARK: - ApiVersions


def api_versions_reply(body: bytes, version: int) -> bytes:
    """tansu's ApiVersions reply without tagged fields (v3+), listing SaslHandshake 0-1 and SaslAuthenticate 0-1."""
    try:
        if version >= 3:
            body = tagshim.strip_api_versions_tags(body)
            pos = 6
            count_plus_one, pos = tagshim.read_uvarint(body, pos)
            entries = []
            for _ in range(max(count_plus_one - 1, 0)):
                key, low, high = struct.unpack(">hhh", body[pos : pos + 6])
                pos = tagshim.skip_tagged_fields(body, pos + 6)
                entries.append((key, low, high))
            rest = body[pos:]
            entries = [e for e in entries if e[0] not in (API_SASL_HANDSHAKE, API_SASL_AUTHENTICATE)]
            entries += [(API_SASL_HANDSHAKE, 0, 1), (API_SASL_AUTHENTICATE, 0, 1)]
            encoded = b"".join(struct.pack(">hhh", *e) + b"\x00" for e in entries)
            return body[:6] + encode_uvarint(len(entries) + 1) + encoded + rest
        (count,) = struct.unpack(">i", body[6:10])
        pos = 10
        entries = []
        for _ in range(count):
            entries.append(struct.unpack(">hhh", body[pos : pos + 6]))
            pos += 6
        rest = body[pos:]
        entries = [e for e in entries if e[0] not in (API_SASL_HANDSHAKE, API_SASL_AUTHENTICATE)]
        entries += [(API_SASL_HANDSHAKE, 0, 1), (API_SASL_AUTHENTICATE, 0, 1)]
        encoded = b"".join(struct.pack(">hhh", *e) for e in entries)
        return body[:6] + struct.pack(">i", len(entries)) + encoded + rest
    except (IndexError, ValueError, struct.error):
        return body


def encode_uvarint(value: int) -> bytes:
    out = b""
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out += bytes([byte | 0x80])
        else:
            return out + bytes([byte])


# MARK: - SASL


class Scram:
    """The server side of one SCRAM exchange (RFC 5802)."""

    def __init__(self, hash_function, users):
        self.hash = hash_function
        self.users = users
        self.step = 0

    def respond(self, message: bytes):
        """(reply bytes, error message or None, finished)."""
        text = message.decode("utf-8", "replace")
        if self.step == 0:
            if not text.startswith(("n,", "y,")):
                return b"", "channel binding is not supported", True
            bare = text.split(",", 2)[2]
            fields = dict(part.split("=", 1) for part in bare.split(",") if "=" in part)
            self.user = fields.get("n", "")
            client_nonce = fields.get("r", "")
            self.salt = hashlib.sha256(b"kb-salt:" + self.user.encode()).digest()[:16]
            self.server_nonce = base64.b64encode(os.urandom(18)).decode()
            self.nonce = client_nonce + self.server_nonce
            self.first_bare = bare
            self.server_first = f"r={self.nonce},s={base64.b64encode(self.salt).decode()},i={SCRAM_ITERATIONS}"
            self.step = 1
            return self.server_first.encode(), None, False
        final_without_proof, _, proof_part = text.rpartition(",p=")
        fields = dict(part.split("=", 1) for part in final_without_proof.split(",") if "=" in part)
        nonce = fields.get("r", "")
        # librdkafka 2.0.2 sends its client nonce followed by the whole server nonce: accept a nonce ending in ours.
        if not nonce.endswith(self.nonce) and not nonce.endswith(self.server_nonce):
            return b"", "Authentication failed: nonce mismatch", True
        password = self.users.get(self.user)
        if password is None:
            return b"", "Authentication failed: Invalid username or password", True
        salted = hashlib.pbkdf2_hmac(self.hash().name, password.encode(), self.salt, SCRAM_ITERATIONS)
        client_key = hmac.new(salted, b"Client Key", self.hash).digest()
        stored_key = self.hash(client_key).digest()
        auth_message = f"{self.first_bare},{self.server_first},{final_without_proof}".encode()
        client_signature = hmac.new(stored_key, auth_message, self.hash).digest()
        try:
            proof = base64.b64decode(proof_part)
        except ValueError:
            return b"", "Authentication failed: malformed proof", True
        recovered = bytes(a ^ b for a, b in zip(proof, client_signature))
        if len(proof) != len(client_signature) or not hmac.compare_digest(self.hash(recovered).digest(), stored_key):
            return b"", "Authentication failed: Invalid username or password", True
        server_key = hmac.new(salted, b"Server Key", self.hash).digest()
        signature = hmac.new(server_key, auth_message, self.hash).digest()
        return f"v={base64.b64encode(signature).decode()}".encode(), None, True


def plain_check(message: bytes, users) -> bool:
    parts = message.split(b"\x00")
    if len(parts) != 3:
        return False
    user, password = parts[1].decode("utf-8", "replace"), parts[2].decode("utf-8", "replace")
    return user in users and hmac.compare_digest(users[user].encode(), password.encode())


# MARK: - Connections


class Listener:
    def __init__(self, spec: str, broker_port: int, advertised_port: int, users):
        fields = spec.split(":")
        self.name, self.port, self.security = fields[0], int(fields[1]), fields[2]
        options = dict(f.split("=", 1) for f in fields[3:])
        self.broker_port, self.advertised_port, self.users = broker_port, advertised_port, users
        self.sasl = self.security.startswith("sasl_")
        self.context = None
        if self.security in ("ssl", "sasl_ssl"):
            self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self.context.load_cert_chain(options["cert"], options["key"])
            if "client_ca" in options:
                self.context.verify_mode = ssl.CERT_REQUIRED
                self.context.load_verify_locations(options["client_ca"])
        self.socket = socket.socket()
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind((HOST, self.port))
        self.socket.listen(64)
        self.advertised = HOST.encode()
        self.original_address = struct.pack(">i", advertised_port)
        self.own_address = struct.pack(">i", self.port)

    def serve(self) -> None:
        while True:
            try:
                client, _ = self.socket.accept()
            except OSError:
                return
            threading.Thread(target=self.handle, args=(client,), daemon=True).start()

    def handle(self, client) -> None:
        broker = None
        try:
            if self.context is not None:
                client = self.context.wrap_socket(client, server_side=True, do_handshake_on_connect=False)
                try:
                    client.do_handshake()
                except (ssl.SSLError, OSError) as error:
                    log(f"{self.name}: TLS handshake refused: {error}")
                    return
            broker = socket.create_connection((HOST, self.broker_port))
            first = self.negotiate(client, broker)
            if first is None:
                return
            self.relay(client, broker, first)
        except (ConnectionError, OSError, struct.error):
            pass
        finally:
            for sock in (client, broker):
                if sock is not None:
                    try:
                        sock.close()
                    except OSError:
                        pass

    def negotiate(self, client, broker):
        """Answers requests one by one until authenticated; returns the first request to relay, or None."""
        authenticated = not self.sasl
        mechanism = None
        scram = None
        while True:
            body = read_frame(client)
            api_key, version, correlation, offset = request_header(body)
            header = struct.pack(">i", correlation)
            if api_key == API_API_VERSIONS:
                send_frame(broker, body)
                send_frame(client, api_versions_reply(read_frame(broker), version))
            elif api_key == API_SASL_HANDSHAKE:
                (length,) = struct.unpack(">h", body[offset : offset + 2])
                asked = body[offset + 2 : offset + 2 + length].decode()
                names = list(MECHANISMS)
                listed = struct.pack(">i", len(names)) + b"".join(kafka_string(n) for n in names)
                if not self.sasl or asked not in MECHANISMS:
                    send_frame(client, header + struct.pack(">h", UNSUPPORTED_SASL_MECHANISM) + listed)
                    return None
                mechanism = asked
                scram = Scram(MECHANISMS[asked], self.users) if MECHANISMS[asked] else None
                send_frame(client, header + struct.pack(">h", 0) + listed)
            elif api_key == API_SASL_AUTHENTICATE:
                (length,) = struct.unpack(">i", body[offset : offset + 4])
                message = body[offset + 4 : offset + 4 + length]
                if mechanism is None:
                    self.reply_authenticate(client, header, version, ILLEGAL_SASL_STATE, "no SaslHandshake", b"")
                    return None
                if scram is None:
                    if not plain_check(message, self.users):
                        log(f"{self.name}: PLAIN authentication failed")
                        self.reply_authenticate(
                            client, header, version, SASL_AUTHENTICATION_FAILED,
                            "Authentication failed: Invalid username or password", b"",
                        )
                        return None
                    self.reply_authenticate(client, header, version, 0, None, b"")
                    authenticated = True
                else:
                    reply, error, finished = scram.respond(message)
                    if error is not None:
                        log(f"{self.name}: {mechanism} authentication failed: {error}")
                        self.reply_authenticate(client, header, version, SASL_AUTHENTICATION_FAILED, error, b"")
                        return None
                    self.reply_authenticate(client, header, version, 0, None, reply)
                    authenticated = authenticated or finished
            elif not authenticated:
                log(f"{self.name}: request {api_key} before authentication: closing")
                return None
            else:
                return body

    @staticmethod
    def reply_authenticate(client, header, version, error_code, message, auth_bytes) -> None:
        body = header + struct.pack(">h", error_code) + kafka_string(message)
        body += struct.pack(">i", len(auth_bytes)) + auth_bytes
        if version >= 1:
            body += struct.pack(">q", 0)
        send_frame(client, body)

    def relay(self, client, broker, first: bytes) -> None:
        pending = {}
        lock = threading.Lock()

        def upstream(body: bytes) -> None:
            while True:
                api_key, _, correlation, _ = request_header(body)
                if api_key in (API_METADATA, API_FIND_COORDINATOR):
                    with lock:
                        pending[correlation] = api_key
                send_frame(broker, body)
                body = read_frame(client)

        def run_upstream() -> None:
            try:
                upstream(first)
            except (ConnectionError, OSError, struct.error):
                pass
            finally:
                try:
                    broker.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

        thread = threading.Thread(target=run_upstream, daemon=True)
        thread.start()
        while True:
            body = read_frame(broker)
            (correlation,) = struct.unpack(">i", body[:4])
            with lock:
                rewrite = pending.pop(correlation, None) is not None
            if rewrite:
                body = body.replace(self.advertised + self.original_address, self.advertised + self.own_address)
            send_frame(client, body)


def main() -> None:
    if len(sys.argv) < 5:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    broker_port, advertised_port = int(sys.argv[1]), int(sys.argv[2])
    users = {}
    with open(sys.argv[3], encoding="utf-8") as handle:
        for line in handle:
            if ":" in line:
                user, password = line.rstrip("\n").split(":", 1)
                users[user] = password
    listeners = [Listener(spec, broker_port, advertised_port, users) for spec in sys.argv[4:]]
    for listener in listeners:
        threading.Thread(target=listener.serve, daemon=True).start()
        log(f"{listener.name} on {HOST}:{listener.port} ({listener.security})")
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    log("ready")
    stop.wait()


if __name__ == "__main__":
    main()
