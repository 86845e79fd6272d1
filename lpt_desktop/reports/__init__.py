"""Report builders: plain data in, PDF bytes out (reportlab; no Qt, no I/O)."""
