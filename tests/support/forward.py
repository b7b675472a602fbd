"""A WSGI app that forwards every request over real HTTP to a running deployment (e.g. the scaled
one behind nginx), byte for byte both ways: werkzeug's test client and Schemathesis's `from_wsgi`
then drive the deployment exactly as they drive the app in-process, and the tests written for the
in-process app run unchanged through the proxy.

Bytes are passed as they are: the request's body and headers (Cookie included: the caller's
client keeps the cookies), the answer's status, headers and body undecoded (Content-Encoding
stays the server's). Hop-by-hop headers are dropped (RFC 9110 §7.6.1)."""

from urllib.parse import quote, urljoin

import requests

HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "content-length",  # recomputed from the body
}


class Forwarding:
    def __init__(self, base_url: str, timeout: float = 60):
        self.base_url, self.timeout = base_url.rstrip("/") + "/", timeout
        self.http = requests.Session()
        self.http.trust_env = False  # no proxy from the environment, no .netrc

    def __call__(self, environ, start_response):
        raw = environ.get("RAW_URI") or environ.get("PATH_INFO", "/")  # as the client wrote it
        # WSGI strings carry bytes as latin-1: send any byte beyond ASCII percent-encoded.
        raw = quote(raw.encode("latin-1"), safe="/?&=%:@!$'()*+,;~#[]")
        url = urljoin(self.base_url, raw.lstrip("/"))
        if "RAW_URI" not in environ and environ.get("QUERY_STRING"):
            url += "?" + environ["QUERY_STRING"]
        headers = {
            key[5:].replace("_", "-").title(): value
            for key, value in environ.items()
            if key.startswith("HTTP_") and key[5:].replace("_", "-").lower() not in HOP_BY_HOP | {"host"}
        }
        if environ.get("CONTENT_TYPE"):
            headers["Content-Type"] = environ["CONTENT_TYPE"]
        headers.setdefault("Accept-Encoding", "identity")  # requests would otherwise ask for gzip
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        answer = self.http.request(
            environ["REQUEST_METHOD"],
            url,
            data=body or None,
            headers=headers,
            stream=True,
            allow_redirects=False,
            timeout=self.timeout,
        )
        try:
            content = answer.raw.read(decode_content=False)
        finally:
            answer.close()
        out = [(k, v) for k, v in answer.raw.headers.items() if k.lower() not in HOP_BY_HOP]
        out.append(("Content-Length", str(len(content))))
        start_response(f"{answer.status_code} {answer.reason}", out)
        return [content]
