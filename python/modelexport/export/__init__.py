"""Exporting Hugging Face models into modelexport packages."""
