"""联邦 (the federation, issue 27, decision 0049): a node per province and one for the centre, each its
own platform; NATS JetStream (a domain per node, leaf nodes connecting outward to the centre) carries
signed hand-overs of the cases that reach beyond a node. See docs/federation.md."""
