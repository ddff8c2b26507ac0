/* SPDX-License-Identifier: EUPL-1.2 */
/* The rathaus program: everything happens in the subcommands (src/cli). */
#include "cli/cli.h"

int
main(int argc, char **argv)
{
	return cli_main(argc, argv);
}
