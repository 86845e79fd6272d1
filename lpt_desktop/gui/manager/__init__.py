"""The team manager's desktop (issue 19): the countersign queue, the review of an assessment or plan beside
its countersign and return actions, management oversight contacts, tier overrides awaiting agreement, and
for officers the list of work their manager returned. manager_actions.install(host) adds it to the window."""
