/* tools/uipsec/commands.h — the subcommands of the uipsec CLI, one file each
 * (as wg(8)); main.c holds the table that also prints the usage. */
#ifndef UIPSEC_TOOLS_COMMANDS_H
#define UIPSEC_TOOLS_COMMANDS_H

struct uipsec_command {
	const char	*name;
	int		(*fn)(int argc, char **argv);	/* argv[0] is the name */
	const char	*help;
};

int	cmd_bench(int argc, char **argv);
int	cmd_down(int argc, char **argv);
int	cmd_keylog(int argc, char **argv);
int	cmd_load(int argc, char **argv);
int	cmd_pcap(int argc, char **argv);
int	cmd_pki(int argc, char **argv);
int	cmd_rekey(int argc, char **argv);
int	cmd_status(int argc, char **argv);
int	cmd_trace(int argc, char **argv);
int	cmd_up(int argc, char **argv);

#endif
