"""Protection measures of a case under Law 13/2022/QH15."""
