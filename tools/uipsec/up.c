/* tools/uipsec/up.c — `uipsec up NAME [-s SOCKET]`: initiate a connection
 * of the running uipsecd (doc/control.md). */
#include "commands.h"
#include "ctl.h"

int
cmd_up(int argc, char **argv)
{
	return ctl_up_down(argc, argv, "up");
}
