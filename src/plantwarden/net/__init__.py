"""Link, network and transport layers: headers, flows and TCP reassembly."""
