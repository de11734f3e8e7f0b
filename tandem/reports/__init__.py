"""Reports: report types, the report engine, saved reports, exports."""
