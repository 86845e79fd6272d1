"""Value types, codes and validation rules (pure; reference data from resources/)."""
