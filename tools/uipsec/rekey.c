/* tools/uipsec/rekey.c — `uipsec rekey [--ike] NAME [-s SOCKET]`: rekey the
 * CHILD_SAs (or the IKE SA) of a connection of the running uipsecd now, as
 * `swanctl --rekey` does (doc/control.md). */
#include "commands.h"
#include "ctl.h"

int
cmd_rekey(int argc, char **argv)
{
	return ctl_named(argc, argv, "rekey", "ike");
}
