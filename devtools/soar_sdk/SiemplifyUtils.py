"""Local stand-in for the platform SDK's SiemplifyUtils (dev/test only, never packaged)."""

import datetime
import functools
import sys
import time

# The SiemplifyAction whose output is being captured (set by SiemplifyAction itself), so that
# output_handler can report and release it when the script crashes.
_active_action = None


class _ConfigurationDict(dict):
    """What get_configuration returns; marks values that print_value must never log."""


def extract_script_param(siemplify, input_dictionary, param_name, default_value=None,
                         input_type=str, is_mandatory=False, print_value=False):
    if not siemplify:
        raise Exception("Parameter 'siemplify' cannot be None")
    if not param_name:
        raise Exception("Parameter 'param_name' cannot be None")
    if default_value and type(default_value) is not input_type:
        raise Exception(f"Given default_value of '{default_value}' doesn't match expected type "
                        f"{input_type.__name__}")

    value = input_dictionary.get(param_name)
    if value is None or value == "":
        if is_mandatory:
            raise Exception(f"Missing mandatory parameter {param_name}")
        siemplify.LOGGER.info(f"Parameter {param_name} was not found or was empty, used "
                              f"default_value {default_value} instead")
        value = default_value
    if value is None:
        return None

    if input_type is bool:
        lowered = str(value).lower()
        if lowered not in ("true", "false"):
            raise Exception(f"Parameter named {param_name}, with value {value} isn't a valid BOOL")
        result = lowered == "true"
    elif input_type in (int, float, str):
        result = input_type(value)
    else:
        raise Exception(f"input_type {input_type.__name__} isn't supported for conversion")

    if print_value:
        if isinstance(input_dictionary, _ConfigurationDict):
            # The platform would log it; locally we refuse, so a secret never lands in output.
            siemplify.LOGGER.warning(f"print_value=True ignored for configuration parameter "
                                     f"{param_name}: never print configuration values")
        else:
            siemplify.LOGGER.info(f"{param_name}: {result}")
    return result


def output_handler(func):
    """Decorator for main(): on an uncaught exception, dump the captured output to stderr and
    re-raise (exit code 1, no result JSON)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except Exception:
            action = _active_action
            captured = action._release(write_stats=True) if action is not None else ""
            sys.stderr.write("STDOUT:\n")
            sys.stderr.write(captured)
            sys.stderr.write("STDERR:\n")
            raise

    return wrapper


def construct_csv(list_of_dicts):
    """CSV lines, header first. Column order follows a set, as on the platform: not stable."""
    if not list_of_dicts:
        return []
    headers = set().union(*(d.keys() for d in list_of_dicts))
    lines = [",".join(str(h) for h in headers)]
    for row in list_of_dicts:
        cells = ["" if row.get(h) is None else str(row.get(h)).replace(",", " ") for h in headers]
        lines.append(",".join(cells))
    return lines


def unix_now():
    """Current UTC time in epoch milliseconds."""
    return int(time.time() * 1000)


def convert_unixtime_to_datetime(unix_time):
    """Epoch milliseconds to an aware UTC datetime."""
    return datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc) + \
        datetime.timedelta(milliseconds=unix_time)
