# Swedish short dates keep month names in lower case, as Swedish writes them: "8 apr 2020".
SHORT_DATE_FORMAT = "j b Y"
SHORT_DATETIME_FORMAT = "j b Y H:i"
