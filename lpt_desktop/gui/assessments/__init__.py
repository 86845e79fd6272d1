"""The case's Assessments tab: tiering now (the suggested tier with its working, predictor scores, decisions);
RoSH screening and the needs assessment join it later."""
