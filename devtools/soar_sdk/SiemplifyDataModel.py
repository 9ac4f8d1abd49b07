"""Local stand-in for the platform SDK's SiemplifyDataModel (dev/test only, never packaged)."""


class InsightSeverity:
    INFO = 0
    WARN = 1
    ERROR = 2


class InsightType:
    General = 0
    Entity = 1


class EntityTypes:
    # Only the types the project's docs name; the real SDK has more.
    ADDRESS = "ADDRESS"
    DOMAIN = "DOMAIN"
    EMAILMESSAGE = "EMAILSUBJECT"
    FILEHASH = "FILEHASH"
    FILENAME = "FILENAME"
    HOSTNAME = "HOSTNAME"
    URL = "DestinationURL"
    USER = "USERUNIQNAME"


class DomainEntityInfo:
    """A case entity as the SDK hands it to a script."""

    def __init__(self, identifier, creation_time=0, modification_time=0, case_identifier=None,
                 alert_identifier=None, entity_type=None, is_internal=False, is_suspicious=False,
                 is_artifact=False, is_enriched=False, is_vulnerable=False, is_pivot=False,
                 additional_properties=None):
        self.identifier = identifier
        self.creation_time = creation_time
        self.modification_time = modification_time
        self.case_identifier = case_identifier
        self.alert_identifier = alert_identifier
        self.entity_type = entity_type
        self.is_internal = is_internal
        self.is_suspicious = is_suspicious
        self.is_artifact = is_artifact
        self.is_enriched = is_enriched
        self.is_vulnerable = is_vulnerable
        self.is_pivot = is_pivot
        self.additional_properties = additional_properties if additional_properties is not None else {}

    def to_dict(self):
        return dict(self.__dict__)

    def _update_internal_properties(self):
        """What the SDK does before posting entities: the flags also travel as properties, as the
        strings "True"/"False"."""
        self.additional_properties["IsInternalAsset"] = str(self.is_internal)
        self.additional_properties["IsEnriched"] = str(self.is_enriched)
        self.additional_properties["IsSuspicious"] = str(self.is_suspicious)
        self.additional_properties["IsVulnerable"] = str(self.is_vulnerable)

    def __repr__(self):
        return f"DomainEntityInfo(identifier={self.identifier!r}, entity_type={self.entity_type!r})"
