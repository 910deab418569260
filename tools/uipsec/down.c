/* tools/uipsec/down.c — `uipsec down NAME [-s SOCKET]`: close a connection
 * of the running uipsecd (doc/control.md). */
#include "commands.h"
#include "ctl.h"

int
cmd_down(int argc, char **argv)
{
	return ctl_up_down(argc, argv, "down");
}
