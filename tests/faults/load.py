"""A write load over HTTP for the fault tests: customers submitting requests to a real
gunicorn, each answer recorded (acknowledged, refused with a status, or no answer)."""

from __future__ import annotations

import http.cookiejar
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field

from tests.factories import PASSWORD
from tests.orders.test_request_form import form_data
from tests.servers import CSRF


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # a 302 is the answer we record, not a page to follow


@dataclass
class Answer:
    at: float
    title: str
    status: int  # 302 acknowledged; 0 when no answer came (connection refused or reset)


@dataclass
class WriteLoad:
    """``clients`` customers submitting requests as fast as the server answers."""

    base_url: str
    email: str
    clients: int = 4
    drawing: bytes | None = None  # sent with each request (multipart) when given
    answers: list[Answer] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)

    def _opener(self) -> tuple[urllib.request.OpenerDirector, str]:
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
        )
        page = opener.open(f"{self.base_url}/login", timeout=30).read().decode()
        token = CSRF.search(page).group(1)  # type: ignore[union-attr]
        body = urllib.parse.urlencode({"email": self.email, "password": PASSWORD, "csrf_token": token})
        try:
            opener.open(f"{self.base_url}/login", data=body.encode(), timeout=30)
        except urllib.error.HTTPError as exc:
            if exc.code != 302:
                raise
        page = opener.open(f"{self.base_url}/requests/new", timeout=30).read().decode()
        return opener, CSRF.search(page).group(1)  # type: ignore[union-attr]

    def _run(self, client: int) -> None:
        opener, token = self._opener()
        n = 0
        while not self._stop.is_set():
            n += 1
            title = f"Panne {client}-{n}"
            fields = {**form_data(title=title), "csrf_token": token}
            request = self._request(fields)
            try:
                with opener.open(request, timeout=60) as response:
                    status = response.status
            except urllib.error.HTTPError as exc:
                status = exc.code
                if exc.code != 302:
                    time.sleep(0.1)  # a person would not resend at once either
            except OSError:
                status = 0
                time.sleep(0.1)
            self.answers.append(Answer(time.monotonic(), title, status))

    def _request(self, fields: dict[str, str]) -> urllib.request.Request:
        url = f"{self.base_url}/requests/new"
        if self.drawing is None:
            return urllib.request.Request(url, data=urllib.parse.urlencode(fields).encode())  # noqa: S310
        boundary = uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            for name, value in fields.items()
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="drawings"; filename="plan.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n".encode()
            + self.drawing
            + f"\r\n--{boundary}--\r\n".encode()
        )
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        return urllib.request.Request(url, data=b"".join(parts), headers=headers)  # noqa: S310

    def start(self) -> None:
        for client in range(self.clients):
            thread = threading.Thread(target=self._run, args=(client,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=90)

    # --- Figures ---------------------------------------------------------------------------

    def acknowledged(self) -> set[str]:
        return {a.title for a in self.answers if a.status == 302}

    def statuses(self, since: float = 0.0, until: float = float("inf")) -> Counter[int]:
        return Counter(a.status for a in self.answers if since <= a.at <= until)

    def first_success_after(self, moment: float) -> float:
        return min(a.at for a in self.answers if a.status == 302 and a.at > moment)

    def failed(self) -> int:
        return sum(1 for a in self.answers if a.status != 302)
