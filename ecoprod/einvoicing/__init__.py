"""E-invoicing through the school's plateforme agréée (PA): the connection, the AFNOR APIs'
client and contract, and the sandbox platform of the tests and the demo."""
