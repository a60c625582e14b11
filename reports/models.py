# Report rendering arrives with the reports issue.
