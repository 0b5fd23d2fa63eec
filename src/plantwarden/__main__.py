from plantwarden.cli.app import main

main()
