"""The Qt face of LPT Desktop. Everything here calls lpt_desktop.services; nothing below imports Qt."""
