"""The roles of ESP Tracker (SPEC §1): Django groups of these names."""

ESP_MANAGER = "ESP Manager"
PM = "PM"
TL = "TL"
LICENSING = "Licensing"
CERT_COORDINATOR = "Cert Coordinator"
CERTIFIER = "Certifier"
TBT_SME = "TBT SME"
WFM = "WFM"
AGENT = "Agent"
ROLES = [ESP_MANAGER, PM, TL, LICENSING, CERT_COORDINATOR, CERTIFIER, TBT_SME, WFM, AGENT]
