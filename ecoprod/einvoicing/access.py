"""Who may see and change the school's e-invoicing: its administrators, checked by the roles'
decorator ``admin_required`` on each page (403 to others); a connection is read within the
school's scope, so one school never reads another's. The platform's webhook has no session:
its caller is known by the school's random address and the call's signature
(``services.statuses.verify``)."""
