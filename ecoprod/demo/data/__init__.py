"""The demo's literals: schools, people, companies, requests, routings and stories."""
