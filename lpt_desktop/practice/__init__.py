"""Practice quality and management oversight (issue 21): the case audit and workload. Pure: no database, no Qt."""
