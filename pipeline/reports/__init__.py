"""Writing the reports: HTML, Markdown and CSV tables (report), into a folder that is the tool's alone (publish)."""
