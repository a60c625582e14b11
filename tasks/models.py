# Tasks, assignments and supervision arrive with the organization issue.
