# Questionnaires, survey rounds, invitations and anonymous responses arrive with the surveys issue.
