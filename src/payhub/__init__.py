"""PayHub: one REST API for the payment lifecycle, wired to gateways and to the ERP."""

__version__ = "0.1.0"
