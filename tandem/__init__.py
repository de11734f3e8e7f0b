"""Tandem: an open-source CRM for companies that sell directly and through partners."""
