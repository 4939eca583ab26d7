"""The mixed workload of ``bench/load.py``: customers, masters and administrators, each
signed in as a demo login of the data set (``LOAD_LOGINS``: JSON {role: [emails]}).

Pages are read as a browser reads them: links are followed from the lists, forms are filled
from the page's own fields (CSRF token included) and posted. A business refusal (a quote
someone else accepted first, a 4xx) is part of life; only 5xx and timeouts are errors.
"""

from __future__ import annotations

import json
import os
import random
import re

import lxml.html
from locust import HttpUser, between, task
from locust.exception import StopUser

PASSWORD = os.environ.get("LOAD_PASSWORD", "ecoprod-demo")
LOGINS: dict[str, list[str]] = json.loads(os.environ.get("LOAD_LOGINS", "{}"))
DRAWING = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class Visitor(HttpUser):
    abstract = True
    role = ""
    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        email = random.choice(LOGINS[self.role])
        self.submit("/login", "/login", {"email": email, "password": PASSWORD}, name="sign in")
        if "/login" in self.client.get("/", name="home").url:
            raise StopUser(f"could not sign in as {email}")

    # --- reading like a browser ------------------------------------------------------

    def page(self, path: str, name: str | None = None) -> str:
        with self.client.get(path, name=name or path, catch_response=True) as response:
            self._judge(response)
            return response.text if response.status_code == 200 else ""

    def links(self, html: str, pattern: str) -> list[str]:
        return sorted(set(re.findall(rf'href="({pattern})"', html)))

    def follow(self, html: str, pattern: str, name: str) -> str:
        found = self.links(html, pattern)
        return self.page(random.choice(found), name=name) if found else ""

    def download(self, path: str, name: str) -> None:
        with self.client.get(path, name=name, catch_response=True) as response:
            self._judge(response)

    def submit(
        self,
        page_path: str,
        action: str,
        values: dict[str, str],
        *,
        name: str,
        files: dict[str, tuple[str, bytes, str]] | None = None,
        html: str | None = None,
    ) -> int:
        """Fill the form posting to ``action`` on the page as a browser would, then post it."""
        html = html if html is not None else self.page(page_path, name=f"{name} (form)")
        form = _form(html, action, page_path)
        if form is None:
            return 0
        data = dict(form.form_values())
        data.update(values)
        with self.client.post(action, data=data, files=files, name=name, catch_response=True) as response:
            self._judge(response)
            return response.status_code

    @staticmethod
    def _judge(response) -> None:
        if response.status_code == 0 or response.status_code >= 500:
            response.failure(f"HTTP {response.status_code}")
        else:
            response.success()


def _form(html: str, action: str, page_path: str | None = None):
    """The form that posts to ``action`` (a form without ``action`` posts to its page)."""
    if not html:
        return None
    for form in lxml.html.fromstring(html).forms:
        if (form.get("action") or page_path or "").split("?")[0] == action:
            return form
    return None


class Customer(Visitor):
    role = "customer"
    weight = 3

    @task(4)
    def browse_requests(self) -> None:
        listing = self.page("/requests", name="customer: requests")
        self.follow(listing, r"/requests/\d+", "customer: request")

    @task(2)
    def download_pdfs(self) -> None:
        listing = self.page("/quotes", name="customer: quotes")
        for path in self.links(listing, r"/quotes/\d+")[:1]:
            self.download(f"{path}/pdf", "customer: quote PDF")
        invoices = self.page("/invoices", name="customer: invoices")
        for path in self.links(invoices, r"/invoices/\d+")[:1]:
            self.download(f"{path}/pdf", "customer: invoice PDF")

    @task(1)
    def submit_a_request(self) -> None:
        html = self.page("/requests/new", name="customer: new request (form)")
        form = _form(html, "/requests/new", "/requests/new")
        if form is None:
            return
        trade = form.inputs["lines-0-trade"].value_options if "lines-0-trade" in form.inputs else [""]
        self.submit(
            "/requests/new",
            "/requests/new",
            {
                "title": f"Charge de test {random.randint(1, 10**6)}",
                "lines-0-description": "Platine percée 4 trous",
                "lines-0-quantity": "12",
                "lines-0-trade": next((t for t in trade if t), ""),
                "action": "submit",
            },
            files={"drawings": ("platine.pdf", DRAWING, "application/pdf")},
            name="customer: submit request",
            html=html,
        )

    @task(1)
    def accept_a_quote(self) -> None:
        listing = self.page("/quotes", name="customer: quotes")
        for path in self.links(listing, r"/quotes/\d+"):
            html = self.page(path, name="customer: quote")
            if _form(html, f"{path}/accept") is not None:
                self.submit(
                    path,
                    f"{path}/accept",
                    {"full_name": "Claire Acheteuse"},
                    name="customer: accept quote",
                    html=html,
                )
                return


class Master(Visitor):
    role = "master"
    weight = 2

    @task(4)
    def inbox(self) -> None:
        listing = self.page("/inbox", name="master: inbox")
        self.follow(listing, r"/requests/\d+", "master: request")

    @task(3)
    def board(self) -> None:
        home = self.page("/planning", name="master: planning")
        self.follow(home, r"/planning/workshops/\d+", "master: board")

    @task(1)
    def quotes(self) -> None:
        listing = self.page("/quotes", name="master: quotes")
        self.follow(listing, r"/quotes/\d+", "master: quote")

    @task(1)
    def start_a_quote(self) -> None:
        listing = self.page("/inbox", name="master: inbox")
        for path in self.links(listing, r"/requests/\d+")[:3]:
            html = self.page(path, name="master: request")
            if _form(html, f"{path}/quotes") is not None:
                self.submit(path, f"{path}/quotes", {}, name="master: start quote", html=html)
                return


class Admin(Visitor):
    role = "admin"
    weight = 1

    @task(3)
    def lists(self) -> None:
        self.page("/deliveries", name="admin: deliveries")
        invoices = self.page("/invoices", name="admin: invoices")
        self.follow(invoices, r"/invoices/\d+", "admin: invoice")

    @task(2)
    def to_invoice_and_overdue(self) -> None:
        self.page("/invoices/to-invoice", name="admin: to invoice")
        self.page("/invoices/overdue", name="admin: overdue")
        self.page("/dashboard", name="admin: dashboard")

    @task(1)
    def record_a_payment(self) -> None:
        overdue = self.page("/invoices/overdue", name="admin: overdue")
        for path in self.links(overdue, r"/invoices/\d+")[:1]:
            html = self.page(path, name="admin: invoice")
            if _form(html, f"{path}/payments") is not None:
                self.submit(
                    path,
                    f"{path}/payments",
                    {"payment-amount": "1,00"},
                    name="admin: record payment",
                    html=html,
                )

    @task(1)
    def export_journal(self) -> None:
        self.download("/exports/journal.csv", "admin: journal CSV")
